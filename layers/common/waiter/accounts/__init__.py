"""Accounts: sign-up, login and tokens (through an identity provider, Cognito), profiles and staff assignment."""
