from ninja import Router

circles_router = Router(tags=["circles"])
