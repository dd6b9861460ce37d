package main

// wireSlack plugs in the slack adapter when the config enables it.
func wireSlack(w *wiring) error {
	return nil
}
