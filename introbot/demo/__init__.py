"""`introbot demo`: the whole flow on an embedded local mail system, shown as the people involved see it."""
