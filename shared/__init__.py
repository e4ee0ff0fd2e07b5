"""The anjian platform package: settings, data, messaging and HTTP plumbing shared by every service.

It holds no domain rules; those live in each service's own ``domain`` package.
"""
