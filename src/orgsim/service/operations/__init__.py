"""One handler per API operation, grouped by area. ``service.routes`` lists them all."""
