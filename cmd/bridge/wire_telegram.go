package main

// wireTelegram plugs in the telegram adapter when the config enables it.
func wireTelegram(w *wiring) error {
	return nil
}
