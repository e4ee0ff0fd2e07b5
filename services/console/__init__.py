"""The admin console (管理控制台): static pages in Simplified Chinese over the services' own HTTP APIs."""
