package main

// wireNotifiers plugs in the notifiers adapter when the config enables it.
func wireNotifiers(w *wiring) error {
	return nil
}
