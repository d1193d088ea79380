"""Life-cycle events of tanks and pipelines: closures, substance changes, their clocks."""
