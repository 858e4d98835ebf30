package emulator

import "encoding/json"

// StoredJSON is what the emulator holds for every service (its functions,
// triggers, versions, aliases and configurations), every function born in
// FC 3.0 (with the same), every layer, and every custom domain less its
// private key, as JSON: all that
// a console user of the account could read. Tests search it to prove that
// a value never reached FC where it was not sent on purpose.
func (e *Emulator) StoredJSON() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	domains := map[string]any{}
	for name, d := range e.st.Domains {
		domains[name] = renderDomain(d)
	}
	b, err := json.Marshal(map[string]any{"services": e.st.Services, "domains": domains, "layers": e.st.Layers,
		"functions3": e.st.Functions3})
	if err != nil {
		panic("emulator: encoding the store: " + err.Error())
	}
	return b
}

// DomainPrivateKey is the certificate private key stored for a custom
// domain. FC never returns it (reads blank it), so a test that must see
// whether a client blanked or replaced it reads it here; ok is false when
// the domain or its certConfig.privateKey does not exist.
func (e *Emulator) DomainPrivateKey(name string) (key string, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.st.Domains[name]
	if d == nil {
		return "", false
	}
	cc, _ := d.Attrs["certConfig"].(map[string]any)
	key, ok = cc["privateKey"].(string)
	return key, ok
}
