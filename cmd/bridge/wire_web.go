package main

// wireWeb plugs in the web adapter when the config enables it.
func wireWeb(w *wiring) error {
	return nil
}
