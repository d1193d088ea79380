"""Organizations (owners and operators) and their facilities."""
