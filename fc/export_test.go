package fc

// SetPageSize lets tests list with FC's default page size (0) as well as
// the client's own.
func SetPageSize(c *Client, n int) { c.pageSize = n }
