"""The running program: channels, web server, CLI, config, wiring."""
