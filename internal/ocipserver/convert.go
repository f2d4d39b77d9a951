package ocipserver

import (
	"reflect"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
)

// Older versions of a command differ from the newest mostly by a few
// elements and by the Go types of nested structures that kept their shape.
// Rather than hand-write a renderer per version, a handler builds the
// newest form and copyByName moves it into the older type: same-named
// fields are copied, structurally converting nested structs, pointers,
// slices and named string types; fields the older type lacks are dropped
// and fields only the older type has stay zero. Requests go the other way
// the same way. It runs on reflection, which is fine for these legacy
// versions; the hot current versions are converted by hand.

// copyByName copies src into dst (both pointers to structs).
func copyByName(dst, src any) {
	copyValue(reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem())
}

func copyValue(dst, src reflect.Value) bool {
	if !src.IsValid() {
		return false
	}
	if src.Type().AssignableTo(dst.Type()) {
		dst.Set(src)
		return true
	}
	if isNillable(src.Type()) && !isNillable(dst.Type()) {
		out := src.MethodByName("Get").Call(nil)
		if !out[1].Bool() {
			return false
		}
		return copyValue(dst, out[0])
	}
	switch dst.Kind() {
	case reflect.Struct:
		if src.Kind() == reflect.Pointer {
			if src.IsNil() {
				return false
			}
			src = src.Elem()
		}
		if src.Kind() != reflect.Struct {
			return false
		}
		if isNillable(dst.Type()) || isNillable(src.Type()) {
			return copyNillable(dst, src)
		}
		st := src.Type()
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			if !f.IsExported() {
				continue
			}
			if df := dst.FieldByName(f.Name); df.IsValid() && df.CanSet() {
				copyValue(df, src.Field(i))
			}
		}
		return true
	case reflect.Pointer:
		if src.Kind() == reflect.Pointer {
			if src.IsNil() {
				return false
			}
			src = src.Elem()
		}
		v := reflect.New(dst.Type().Elem())
		if copyValue(v.Elem(), src) {
			dst.Set(v)
			return true
		}
		return false
	case reflect.Slice:
		if src.Kind() != reflect.Slice || src.Len() == 0 {
			return false
		}
		out := reflect.MakeSlice(dst.Type(), 0, src.Len())
		for i := 0; i < src.Len(); i++ {
			e := reflect.New(dst.Type().Elem()).Elem()
			if copyValue(e, src.Index(i)) {
				out = reflect.Append(out, e)
			}
		}
		dst.Set(out)
		return true
	case reflect.Interface:
		// Abstract types (DepartmentKey): the concrete value fits when it
		// implements the destination interface.
		if src.Kind() == reflect.Interface {
			if src.IsNil() {
				return false
			}
			src = src.Elem()
		}
		if src.Type().Implements(dst.Type()) {
			dst.Set(src)
			return true
		}
		return false
	case reflect.String, reflect.Bool, reflect.Int32, reflect.Int64, reflect.Float32:
		if src.Kind() == reflect.Pointer {
			if src.IsNil() {
				return false
			}
			src = src.Elem()
		}
		if src.Kind() == dst.Kind() {
			dst.Set(src.Convert(dst.Type()))
			return true
		}
	}
	return false
}

var nillableName = reflect.TypeOf(ocixml.Nillable[string]{}).Name()

func isNillable(t reflect.Type) bool {
	return t.PkgPath() == "github.com/switchboard/switchboard/ocip/ocixml" && len(t.Name()) > 8 && t.Name()[:8] == nillableName[:8]
}

// copyNillable moves between Nillable[T] and plain or pointer values
// through the exported Get/Set/SetNil methods (the state is unexported).
func copyNillable(dst, src reflect.Value) bool {
	var inner reflect.Value
	if isNillable(src.Type()) {
		if src.MethodByName("IsNil").Call(nil)[0].Bool() {
			if isNillable(dst.Type()) {
				dst.Addr().MethodByName("SetNil").Call(nil)
				return true
			}
			return false
		}
		out := src.MethodByName("Get").Call(nil)
		if !out[1].Bool() {
			return false
		}
		inner = out[0]
	} else {
		inner = src
	}
	if !isNillable(dst.Type()) {
		return copyValue(dst, inner)
	}
	set := dst.Addr().MethodByName("Set")
	v := reflect.New(set.Type().In(0)).Elem()
	if !copyValue(v, inner) {
		return false
	}
	set.Call([]reflect.Value{v})
	return true
}

// responseFor returns a new, empty response of the type a request
// answers with (per the registry), or nil when it has none.
func responseFor(request string) ocixml.Command {
	c, ok := schema.Lookup(request)
	if !ok || c.Response == "" {
		return nil
	}
	r, ok := schema.New(c.Response)
	if !ok {
		return nil
	}
	return r
}
