"""Colors shared by the report's charts: humans blue, the machine orange, controls grey."""

HUMAN, MACHINE, FEE, COMPUTE, CONTROL = "#4C72B0", "#DD8452", "#8172B3", "#937860", "#8C8C8C"
