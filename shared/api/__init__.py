"""HTTP plumbing shared by every service: app factory, problems, auth, pagination, ETags, health."""
