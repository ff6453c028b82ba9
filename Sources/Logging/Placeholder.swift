enum LoggingPlaceholder {}
