package main

// wireDiscord plugs in the discord adapter when the config enables it.
func wireDiscord(w *wiring) error {
	return nil
}
