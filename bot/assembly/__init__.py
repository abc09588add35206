"""The assembly: the one place that knows every feature and adapter and puts them together
(the bot, the HTTP server, the command line)."""
