"""The operators' web console: static pages and one origin for the services' APIs."""
