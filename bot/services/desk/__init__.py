"""The support desk: tickets relayed between a company and the operators' group."""
