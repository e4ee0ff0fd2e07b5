"""Test support shared by every service's tests: brokers, databases, apps, event assertions."""
