const char *greeting_there(void) { return "a string both objects contain"; }
