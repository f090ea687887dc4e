// placeholder until the OTC plugin lands
