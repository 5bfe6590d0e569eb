"""Local-only tooling: the Docker-free gateway, demo data and contract generators. Never packaged into Lambda."""
