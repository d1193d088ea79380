"""People and money the rules ask for: designated operators, financial responsibility."""
