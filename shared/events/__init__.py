"""The event contract shared by the four services: payload models, the CloudEvents
envelope, topic names. Billing integrates against the exported JSON Schemas and the
AsyncAPI document in docs/events/, never against this code."""
