package ceph

// SortOrder splits a list's sort parameter as the dashboard writes it
// ("+name", "-id" or "name") into the field and whether it descends.
func SortOrder(s string) (field string, desc bool) {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		return s[1:], s[0] == '-'
	}
	return s, false
}

// PageBounds returns the bounds [start, end) of the page of at most limit
// items from offset in a list of total (limit <= 0: to the end; an offset
// below 0 is 0, one past the end an empty page).
func PageBounds(total, offset, limit int) (start, end int) {
	start = min(max(offset, 0), total)
	end = total
	if limit > 0 {
		end = min(start+limit, total)
	}
	return start, end
}
