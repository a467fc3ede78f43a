package connect

// ConfigInfos is the result of validating a connector configuration, in the
// JSON shape of Connect's PUT /connector-plugins/{plugin}/config/validate.
type ConfigInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []ConfigInfo `json:"configs"`
}

// ConfigInfo pairs a key definition with its validated value.
type ConfigInfo struct {
	Definition *ConfigKeyInfo   `json:"definition"`
	Value      *ConfigValueInfo `json:"value"`
}

// ConfigKeyInfo is the JSON form of a ConfigKey. Connect 4.x writes the
// order as "order_in_group" (the entity became a Java record; 3.x wrote
// "order").
type ConfigKeyInfo struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	DefaultValue  *string  `json:"default_value"`
	Importance    string   `json:"importance"`
	Documentation string   `json:"documentation"`
	Group         *string  `json:"group"`
	Order         int      `json:"order_in_group"`
	Width         string   `json:"width"`
	DisplayName   string   `json:"display_name"`
	Dependents    []string `json:"dependents"`
}

// ConfigValueInfo is the JSON form of a ConfigValue.
type ConfigValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}

// KeyInfo renders one key as Connect's ConfigKeyInfo.
func (k *ConfigKey) KeyInfo() *ConfigKeyInfo {
	info := &ConfigKeyInfo{
		Name:          k.Name,
		Type:          string(k.Type),
		Required:      k.Required,
		Importance:    string(k.Importance),
		Documentation: k.Doc,
		Order:         k.OrderInGroup,
		Width:         string(k.Width),
		DisplayName:   k.DisplayName,
		Dependents:    append([]string{}, k.Dependents...),
	}
	if !k.Required {
		info.DefaultValue = ConvertToString(k.Default)
	}
	if k.Group != "" {
		g := k.Group
		info.Group = &g
	}
	return info
}

// ValueInfo renders one validation result as Connect's ConfigValueInfo.
func (v ConfigValue) ValueInfo() *ConfigValueInfo {
	info := &ConfigValueInfo{
		Name:              v.Name,
		Value:             ConvertToString(v.Value),
		RecommendedValues: []string{},
		Errors:            append([]string{}, v.Errors...),
		Visible:           v.Visible,
	}
	for _, r := range v.RecommendedValues {
		if s := ConvertToString(r); s != nil {
			info.RecommendedValues = append(info.RecommendedValues, *s)
		}
	}
	return info
}

// GenerateConfigInfos builds ConfigInfos the way Java's
// AbstractHerder.generateResult does: values for keys def does not define
// come first (definition nil), then every key of def in order with its value
// (if validated). className is the connector class as the user gave it.
func GenerateConfigInfos(className string, def *ConfigDef, values []ConfigValue) ConfigInfos {
	out := ConfigInfos{Name: className, Groups: def.Groups(), Configs: []ConfigInfo{}}
	if out.Groups == nil {
		out.Groups = []string{}
	}
	byName := map[string]ConfigValue{}
	for _, v := range values {
		byName[v.Name] = v
		if def.Key(v.Name) == nil {
			out.Configs = append(out.Configs, ConfigInfo{Value: v.ValueInfo()})
			out.ErrorCount += len(v.Errors)
		}
	}
	for _, k := range def.Keys() {
		ci := ConfigInfo{Definition: k.KeyInfo()}
		if v, ok := byName[k.Name]; ok {
			ci.Value = v.ValueInfo()
			out.ErrorCount += len(v.Errors)
		}
		out.Configs = append(out.Configs, ci)
	}
	return out
}
