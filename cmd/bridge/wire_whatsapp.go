package main

// wireWhatsApp plugs in the whatsapp adapter when the config enables it.
func wireWhatsApp(w *wiring) error {
	return nil
}
