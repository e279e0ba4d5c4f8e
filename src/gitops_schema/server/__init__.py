"""INTERFACE: the HTTP service (FastAPI), an optional extra like the store.

``app.create_app(settings)`` builds the application from the routers listed in
``app.ROUTERS``; ``settings`` holds the database URL and the limits; ``auth`` checks bearer
tokens, Flux HMAC signatures and rate limits; ``body`` reads request bodies safely;
``events`` receives Argo CD and Flux webhooks; ``spool`` keeps accepted events on disk while
the database is unreachable.
"""
