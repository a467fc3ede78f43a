package connect

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func testDef() *ConfigDef {
	return NewConfigDef().
		Define(ConfigKey{Name: "name", Type: TypeStringConfig, Required: true, Validator: NonEmptyString(), Importance: ImportanceHigh, Doc: "The name.", Group: "Common", OrderInGroup: 1, Width: WidthMedium, DisplayName: "Name"}).
		Define(ConfigKey{Name: "tasks.max", Type: TypeIntConfig, Default: 1, Validator: AtLeast(1), Importance: ImportanceHigh, Group: "Common", OrderInGroup: 2}).
		Define(ConfigKey{Name: "topics", Type: TypeListConfig, Default: ".*"}).
		Define(ConfigKey{Name: "ratio", Type: TypeDoubleConfig, Default: "0.5"}).
		Define(ConfigKey{Name: "enabled", Type: TypeBooleanConfig, Default: true}).
		Define(ConfigKey{Name: "big", Type: TypeLongConfig, Default: int64(60000)}).
		Define(ConfigKey{Name: "secret", Type: TypePasswordConfig}).
		Define(ConfigKey{Name: "mode", Type: TypeStringConfig, Default: "a", Validator: In("a", "b")})
}

func TestParseTypesAndDefaults(t *testing.T) {
	v, err := testDef().Parse(map[string]string{
		"name": " c ", "tasks.max": "4", "topics": "a , b,c", "ratio": "2", "enabled": "FALSE", "secret": "s3", "ignored": "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Values{
		"name": "c", "tasks.max": int32(4), "topics": []string{"a", "b", "c"}, "ratio": 2.0, "enabled": false,
		"big": int64(60000), "secret": NewPassword("s3"), "mode": "a",
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("Parse = %#v\nwant    %#v", v, want)
	}
	if _, ok := v["ignored"]; ok {
		t.Error("undefined keys must be ignored")
	}
}

func TestParseErrorsInJavaWording(t *testing.T) {
	_, err := testDef().Parse(map[string]string{"tasks.max": "x", "enabled": "yes", "mode": "c", "ratio": "1e", "big": "99999999999999999999"})
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, ErrBadRequest) {
		t.Errorf("error is not ErrBadRequest: %v", err)
	}
	want := `Missing required configuration "name" which has no default value.
Invalid value x for configuration tasks.max: Not a number of type INT
Invalid value 1e for configuration ratio: Not a number of type DOUBLE
Invalid value yes for configuration enabled: Expected value to be either true or false
Invalid value 99999999999999999999 for configuration big: Not a number of type LONG
Invalid value c for configuration mode: String must be one of: a, b`
	if err.Error() != want {
		t.Errorf("error =\n%s\nwant\n%s", err, want)
	}
	_, err = testDef().Parse(map[string]string{"name": "", "tasks.max": "0"})
	want = "Invalid value  for configuration name: String may not be empty\nInvalid value 0 for configuration tasks.max: Value must be at least 1"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

func TestDefinePanicsOnProgrammingErrors(t *testing.T) {
	for name, f := range map[string]func(){
		"duplicate":   func() { testDef().Define(ConfigKey{Name: "name", Type: TypeStringConfig}) },
		"bad default": func() { NewConfigDef().Define(ConfigKey{Name: "n", Type: TypeIntConfig, Default: "many"}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestConvertToString(t *testing.T) {
	for v, want := range map[any]string{
		int32(5): "5", int64(-1): "-1", true: "true", 1.0: "1.0", 0.5: "0.5", 1e7: "1.0E7", 1.5e-4: "1.5E-4", "s": "s",
	} {
		if got := ConvertToString(v); got == nil || *got != want {
			t.Errorf("ConvertToString(%v) = %v, want %q", v, got, want)
		}
	}
	if got := ConvertToString([]string{"a", "b"}); *got != "a,b" {
		t.Errorf("list: %q", *got)
	}
	if got := ConvertToString(NewPassword("x")); *got != "[hidden]" {
		t.Errorf("password: %q", *got)
	}
	if ConvertToString(nil) != nil {
		t.Error("nil must stay nil")
	}
}

// TestConfigInfosJSON pins the JSON shape of ConfigInfos, as Connect's
// validate endpoint returns it.
func TestConfigInfosJSON(t *testing.T) {
	def := NewConfigDef().
		Define(ConfigKey{Name: "name", Type: TypeStringConfig, Required: true, Importance: ImportanceHigh, Doc: "The name.", Group: "Common", OrderInGroup: 1, Width: WidthMedium, DisplayName: "Connector name"}).
		Define(ConfigKey{Name: "topics", Type: TypeListConfig, Default: "a,b", Doc: "Topics."}).
		Define(ConfigKey{Name: "secret", Type: TypePasswordConfig, Doc: "Secret."})
	values := def.Validate(map[string]string{"secret": "s3"})
	values = append(values, ConfigValue{Name: "extra", Value: "v", Errors: []string{"unknown"}, Visible: true})
	infos := GenerateConfigInfos("org.example.C", def, values)
	b, err := json.Marshal(infos)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"org.example.C","error_count":2,"groups":["Common"],"configs":[` +
		`{"definition":null,"value":{"name":"extra","value":"v","recommended_values":[],"errors":["unknown"],"visible":true}},` +
		`{"definition":{"name":"name","type":"STRING","required":true,"default_value":null,"importance":"HIGH","documentation":"The name.","group":"Common","order_in_group":1,"width":"MEDIUM","display_name":"Connector name","dependents":[]},` +
		`"value":{"name":"name","value":null,"recommended_values":[],"errors":["Missing required configuration \"name\" which has no default value."],"visible":true}},` +
		`{"definition":{"name":"topics","type":"LIST","required":false,"default_value":"a,b","importance":"MEDIUM","documentation":"Topics.","group":null,"order_in_group":-1,"width":"NONE","display_name":"topics","dependents":[]},` +
		`"value":{"name":"topics","value":"a,b","recommended_values":[],"errors":[],"visible":true}},` +
		`{"definition":{"name":"secret","type":"PASSWORD","required":false,"default_value":null,"importance":"MEDIUM","documentation":"Secret.","group":null,"order_in_group":-1,"width":"NONE","display_name":"secret","dependents":[]},` +
		`"value":{"name":"secret","value":"[hidden]","recommended_values":[],"errors":[],"visible":true}}]}`
	if string(b) != want {
		t.Errorf("ConfigInfos JSON =\n%s\nwant\n%s", b, want)
	}
}
