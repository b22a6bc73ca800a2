"""Battery profiles (TOML), shipped inside the package as reportgen.profiles."""
