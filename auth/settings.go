package auth

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// SettingDef is one of the dashboard's settings (dashboard/settings.py,
// Options): its name, default value and the types it accepts, as
// `GET /api/settings` lists them ("bool", "int", "str" or "dict,str").
type SettingDef struct {
	Name    string
	Default any
	Type    string
}

// The settings this package reads itself.
const (
	SettingLockoutAttempts     = "ACCOUNT_LOCKOUT_ATTEMPTS"
	SettingAuditEnabled        = "AUDIT_API_ENABLED"
	SettingAuditLogPayload     = "AUDIT_API_LOG_PAYLOAD"
	SettingPwdExpirationSpan   = "USER_PWD_EXPIRATION_SPAN"
	SettingPwdPolicyEnabled    = "PWD_POLICY_ENABLED"
	SettingPwdCheckLength      = "PWD_POLICY_CHECK_LENGTH_ENABLED"
	SettingPwdCheckOldPwd      = "PWD_POLICY_CHECK_OLDPWD_ENABLED"
	SettingPwdCheckUsername    = "PWD_POLICY_CHECK_USERNAME_ENABLED"
	SettingPwdCheckExclusion   = "PWD_POLICY_CHECK_EXCLUSION_LIST_ENABLED"
	SettingPwdCheckComplexity  = "PWD_POLICY_CHECK_COMPLEXITY_ENABLED"
	SettingPwdCheckSequential  = "PWD_POLICY_CHECK_SEQUENTIAL_CHARS_ENABLED"
	SettingPwdCheckRepetitive  = "PWD_POLICY_CHECK_REPETITIVE_CHARS_ENABLED"
	SettingPwdMinLength        = "PWD_POLICY_MIN_LENGTH"
	SettingPwdMinComplexity    = "PWD_POLICY_MIN_COMPLEXITY"
	SettingPwdExclusionList    = "PWD_POLICY_EXCLUSION_LIST"
	settingTypeBool            = "bool"
	settingTypeInt             = "int"
	settingTypeStr             = "str"
	settingTypeDictOrStr       = "dict,str"
	defaultPwdExclusionList    = "osd,host,dashboard,pool,block,nfs,ceph,monitors,gateway,logs,crush,maps"
	defaultLockoutAttempts     = 10
	defaultPwdMinLength        = 8
	defaultPwdMinComplexity    = 10
	defaultRESTRequestsTimeout = 45
)

// SettingDefs lists the dashboard's settings of Ceph 16.2.15 in the order
// the dashboard lists them. Its UNSAFE_TLS_v1_2 is left out, as the
// dashboard's API leaves it out: the name is not all upper case, so its
// list skips it and its get cannot find it.
var SettingDefs = []SettingDef{
	{"ENABLE_BROWSABLE_API", true, settingTypeBool},
	{"REST_REQUESTS_TIMEOUT", defaultRESTRequestsTimeout, settingTypeInt},
	{SettingLockoutAttempts, defaultLockoutAttempts, settingTypeInt},
	{SettingAuditEnabled, false, settingTypeBool},
	{SettingAuditLogPayload, true, settingTypeBool},
	{"RGW_API_ACCESS_KEY", "", settingTypeDictOrStr},
	{"RGW_API_SECRET_KEY", "", settingTypeDictOrStr},
	{"RGW_API_ADMIN_RESOURCE", "admin", settingTypeStr},
	{"RGW_API_SSL_VERIFY", true, settingTypeBool},
	{"GRAFANA_API_URL", "", settingTypeStr},
	{"GRAFANA_FRONTEND_API_URL", "", settingTypeStr},
	{"GRAFANA_API_USERNAME", "admin", settingTypeStr},
	{"GRAFANA_API_PASSWORD", "admin", settingTypeStr},
	{"GRAFANA_API_SSL_VERIFY", true, settingTypeBool},
	{"GRAFANA_UPDATE_DASHBOARDS", false, settingTypeBool},
	{"GANESHA_CLUSTERS_RADOS_POOL_NAMESPACE", "", settingTypeStr},
	{"PROMETHEUS_API_HOST", "", settingTypeStr},
	{"PROMETHEUS_API_SSL_VERIFY", true, settingTypeBool},
	{"ALERTMANAGER_API_HOST", "", settingTypeStr},
	{"ALERTMANAGER_API_SSL_VERIFY", true, settingTypeBool},
	{"ISCSI_API_SSL_VERIFICATION", true, settingTypeBool},
	{SettingPwdExpirationSpan, 0, settingTypeInt},
	{"USER_PWD_EXPIRATION_WARNING_1", 10, settingTypeInt},
	{"USER_PWD_EXPIRATION_WARNING_2", 5, settingTypeInt},
	{SettingPwdPolicyEnabled, true, settingTypeBool},
	{SettingPwdCheckLength, true, settingTypeBool},
	{SettingPwdCheckOldPwd, true, settingTypeBool},
	{SettingPwdCheckUsername, false, settingTypeBool},
	{SettingPwdCheckExclusion, false, settingTypeBool},
	{SettingPwdCheckComplexity, false, settingTypeBool},
	{SettingPwdCheckSequential, false, settingTypeBool},
	{SettingPwdCheckRepetitive, false, settingTypeBool},
	{SettingPwdMinLength, defaultPwdMinLength, settingTypeInt},
	{SettingPwdMinComplexity, defaultPwdMinComplexity, settingTypeInt},
	{SettingPwdExclusionList, defaultPwdExclusionList, settingTypeStr},
}

// SecretSettings are the settings whose values are credentials; the audit
// trail never records them.
var SecretSettings = []string{"RGW_API_ACCESS_KEY", "RGW_API_SECRET_KEY", "GRAFANA_API_PASSWORD"}

// SettingName returns the canonical name of a setting the way the dashboard
// accepts it ("pwd-policy-enabled" is PWD_POLICY_ENABLED).
func SettingName(name string) string {
	return strings.ReplaceAll(strings.ToUpper(name), "-", "_")
}

// LookupSetting returns the definition of a setting by any accepted
// spelling of its name.
func LookupSetting(name string) (SettingDef, bool) {
	n := SettingName(name)
	for _, d := range SettingDefs {
		if strings.ToUpper(d.Name) == n {
			return d, true
		}
	}
	return SettingDef{}, false
}

// Setting is a setting with its current value, as `GET /api/settings`
// answers it.
type Setting struct {
	Name    string `json:"name"`
	Default any    `json:"default"`
	Type    string `json:"type"`
	Value   any    `json:"value"`
}

// Cast converts a value sent by a client (a decoded JSON value) to the
// setting's type. Strings are parsed as the dashboard's cast does ("false"
// is false, "12" is 12); anything else of the wrong type is an
// InvalidArgument error.
func (d SettingDef) Cast(v any) (any, error) {
	bad := func() error {
		return ceph.Errorf(ceph.InvalidArgument, "settings", "Invalid value %s for setting %s: it must be of type %s", describe(v), d.Name, d.Type)
	}
	switch d.Type {
	case settingTypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(x)))
			if err != nil {
				return nil, bad()
			}
			return b, nil
		}
	case settingTypeInt:
		switch x := v.(type) {
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
				return nil, bad()
			}
			return int64(x), nil
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		case json.Number:
			n, err := x.Int64()
			if err != nil {
				return nil, bad()
			}
			return n, nil
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, bad()
			}
			return n, nil
		}
	case settingTypeStr:
		switch x := v.(type) {
		case string:
			return x, nil
		case float64, int, int64, bool, json.Number:
			// The dashboard stores str(value).
			return fmt.Sprint(x), nil
		}
	case settingTypeDictOrStr:
		switch x := v.(type) {
		case string:
			return x, nil
		case map[string]any:
			return x, nil
		}
	}
	return nil, bad()
}

func describe(v any) string {
	b, err := json.Marshal(v)
	if err != nil || len(b) > 64 {
		return fmt.Sprintf("of type %T", v)
	}
	return string(b)
}

// settingsView reads typed values from a map of stored settings, falling
// back to the defaults.
type settingsView map[string]any

func (s settingsView) value(name string) any {
	if v, ok := s[name]; ok {
		return v
	}
	d, _ := LookupSetting(name)
	return d.Default
}

func (s settingsView) bool(name string) bool {
	b, _ := s.value(name).(bool)
	return b
}

func (s settingsView) int(name string) int {
	switch x := s.value(name).(type) {
	case int:
		return x
	case int64:
		return int(x)
	case float64:
		return int(x)
	}
	return 0
}

func (s settingsView) string(name string) string {
	v, _ := s.value(name).(string)
	return v
}
