package rest

// Flat config bodies: PUT /connectors/{c}/config and PUT
// /connector-plugins/{p}/config/validate take a Map<String, String> in
// Java, PATCH /connectors/{c}/config too but keeps its nulls. They are read
// with Jackson's rules and messages (see jsonreader.go): numbers and
// booleans are accepted as strings and kept as written, a repeated key
// keeps its last value, nested objects and arrays are refused with
// Jackson's "Cannot deserialize value of type `java.lang.String`" naming
// the key, and whatever follows the root value is never read.

// decodeConfigMap reads a body bound to Map<String, String>. An empty
// body or JSON null is a 400 "HTTP 400 Bad Request" (Java: Jersey's
// NoContentException, or a NullPointerException, a 500, for null); null
// values are dropped, as Go maps hold no nulls.
func decodeConfigMap(body []byte) (map[string]string, error) {
	r := newJSONReader(body)
	t, err := r.next()
	switch {
	case err != nil:
		return nil, err
	case t == tokNone || t == tokNull:
		return nil, errNoContent()
	}
	return readStringMap(r, t)
}

// decodeConfigPatch reads a PATCH /connectors/{c}/config body: as
// decodeConfigMap, but a null value is kept (as a nil pointer): it removes
// the key from the connector's config.
func decodeConfigPatch(body []byte) (map[string]*string, error) {
	r := newJSONReader(body)
	t, err := r.next()
	switch {
	case err != nil:
		return nil, err
	case t == tokNone || t == tokNull:
		return nil, errNoContent()
	case t != tokStartObject:
		// The same refusals as for a config map.
		_, err := readStringMap(r, t)
		return nil, err
	}
	patch := map[string]*string{}
	err = readStringEntries(r, func(key, v string, isNull bool) {
		if isNull {
			patch[key] = nil
			return
		}
		patch[key] = &v
	})
	if err != nil {
		return nil, err
	}
	return patch, nil
}
