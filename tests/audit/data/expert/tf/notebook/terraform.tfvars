root_access = "Disabled"
