package auth

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/cephapi/cephapi/ceph"
)

// PasswordPolicy is the dashboard's password policy
// (services/access_control.py, PasswordPolicy), each check switchable as
// the PWD_POLICY_* settings switch it.
type PasswordPolicy struct {
	Enabled         bool
	CheckLength     bool
	CheckOldPwd     bool
	CheckUsername   bool
	CheckExclusion  bool
	CheckComplexity bool
	CheckSequential bool
	CheckRepetitive bool
	MinLength       int
	MinComplexity   int
	ExclusionList   []string
}

// DefaultPasswordPolicy returns the policy of the dashboard's default
// settings: enabled, checking the length (8) and the old password only.
func DefaultPasswordPolicy() PasswordPolicy { return policyFrom(settingsView{}) }

func policyFrom(s settingsView) PasswordPolicy {
	var words []string
	for w := range strings.SplitSeq(s.string(SettingPwdExclusionList), ",") {
		words = append(words, w)
	}
	return PasswordPolicy{
		Enabled:         s.bool(SettingPwdPolicyEnabled),
		CheckLength:     s.bool(SettingPwdCheckLength),
		CheckOldPwd:     s.bool(SettingPwdCheckOldPwd),
		CheckUsername:   s.bool(SettingPwdCheckUsername),
		CheckExclusion:  s.bool(SettingPwdCheckExclusion),
		CheckComplexity: s.bool(SettingPwdCheckComplexity),
		CheckSequential: s.bool(SettingPwdCheckSequential),
		CheckRepetitive: s.bool(SettingPwdCheckRepetitive),
		MinLength:       s.int(SettingPwdMinLength),
		MinComplexity:   s.int(SettingPwdMinComplexity),
		ExclusionList:   words,
	}
}

// Complexity returns the dashboard's complexity credits of a password: 1
// per digit or lower-case letter, 2 per upper-case letter, 3 per ASCII
// punctuation character and 5 per other character.
func Complexity(password string) int {
	credits := 0
	for _, r := range password {
		switch {
		case r >= 'A' && r <= 'Z':
			credits += 2
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			credits++
		case r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r):
			credits += 3
		default:
			credits += 5
		}
	}
	return credits
}

func policyError(msg string) *ceph.Error {
	return &ceph.Error{Code: ceph.InvalidArgument, Component: "user", Reason: "password_policy_validation_failed", Detail: msg}
}

// Check applies the policy to a new password; username and oldPassword
// may be empty. It returns the password's complexity credits as the
// dashboard reports them (0 unless the complexity check is on), or an
// InvalidArgument error (reason password_policy_validation_failed) with the
// dashboard's wording.
func (p PasswordPolicy) Check(password, username, oldPassword string) (int, error) {
	if !p.Enabled {
		return 0, nil
	}
	credits := 0
	if p.CheckComplexity {
		credits = Complexity(password)
		if credits < p.MinComplexity {
			return 0, policyError("Password is too weak.")
		}
	}
	// The dashboard measures the length in characters.
	if p.CheckLength && utf8.RuneCountInString(password) < p.MinLength {
		return 0, policyError("Password is too weak.")
	}
	if p.CheckOldPwd && oldPassword != "" && password == oldPassword {
		return 0, policyError("Password must not be the same as the previous one.")
	}
	if p.CheckUsername && username != "" && containsFold(password, username) {
		return 0, policyError("Password must not contain username.")
	}
	if p.CheckExclusion {
		if w := firstExcluded(password, p.ExclusionList); w != "" {
			return 0, policyError(`Password must not contain the keyword "` + w + `".`)
		}
	}
	runes := []rune(password)
	if p.CheckRepetitive {
		for i := 1; i+1 < len(runes); i++ {
			if runes[i-1] == runes[i] && runes[i] == runes[i+1] {
				return 0, policyError("Password must not contain repetitive characters.")
			}
		}
	}
	if p.CheckSequential {
		for i := 1; i+1 < len(runes); i++ {
			if runes[i-1]+1 == runes[i] && runes[i] == runes[i+1]-1 {
				return 0, policyError("Password must not contain sequential characters.")
			}
		}
	}
	return credits, nil
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// firstExcluded returns the text of the leftmost match of any excluded word
// in the password, as the dashboard's case-insensitive regular expression
// search reports it (the words are matched literally here).
func firstExcluded(password string, words []string) string {
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, regexp.QuoteMeta(w))
	}
	if len(quoted) == 0 {
		return ""
	}
	re, err := regexp.Compile("(?i)(?:" + strings.Join(quoted, "|") + ")")
	if err != nil {
		return ""
	}
	return re.FindString(password)
}

// PasswordValidation is the answer of POST /api/user/validate_password.
type PasswordValidation struct {
	Valid     bool   `json:"valid"`
	Credits   int    `json:"credits"`
	Valuation string `json:"valuation"`
}

// Validate reports whether a password meets the policy, with the
// dashboard's valuation: "Weak" below 15 credits, "OK" below 20, "Strong"
// below 25, otherwise "Very strong"; the policy's message when it fails.
func (p PasswordPolicy) Validate(password, username, oldPassword string) PasswordValidation {
	credits, err := p.Check(password, username, oldPassword)
	if err != nil {
		return PasswordValidation{Valuation: err.(*ceph.Error).Detail}
	}
	v := PasswordValidation{Valid: true, Credits: credits}
	switch {
	case credits < 15:
		v.Valuation = "Weak"
	case credits < 20:
		v.Valuation = "OK"
	case credits < 25:
		v.Valuation = "Strong"
	default:
		v.Valuation = "Very strong"
	}
	return v
}
