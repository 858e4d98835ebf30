package workflow

import (
	"github.com/fcsync/fcsync/filetree"
)

func filetreeFile(data []byte) filetree.File {
	return filetree.File{Data: data, Mode: filetree.Regular}
}
