import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type DragEvent,
} from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Box,
  Breadcrumbs,
  Button,
  Link,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import CloudUploadIcon from '@material-ui/icons/CloudUpload';
import FolderIcon from '@material-ui/icons/Folder';
import InsertDriveFileIcon from '@material-ui/icons/InsertDriveFile';
import type { WorkspaceFolder } from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { errorLine, formatBytes, joinPath, saveBlob } from './files';

/** Where uploads go when the home itself is shown. */
const UPLOADS = 'Uploads';

/**
 * One folder of a desktop's home: open folders, download files, upload
 * with the button or by dropping files on the list.
 */
export function FileBrowser(props: { name: string }) {
  const { name } = props;
  const api = useApi(workspacesApiRef);
  const [path, setPath] = useState('');
  const [folder, setFolder] = useState<WorkspaceFolder>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  // The home holds the desktop's own settings; uploads land in a folder.
  const target = path === '' ? UPLOADS : path;

  const load = useCallback(
    async (dir: string) => {
      try {
        setFolder(await api.listFiles(name, dir));
        setPath(dir);
        setError(undefined);
      } catch (e) {
        setError(errorLine(e));
      }
    },
    [api, name],
  );

  useEffect(() => {
    load('');
  }, [load]);

  const upload = async (files: File[]) => {
    for (const file of files) {
      setBusy(`Uploading ${file.name}…`);
      try {
        await api.uploadFile(name, joinPath(target, file.name), file);
      } catch (e) {
        setError(`${file.name}: ${errorLine(e)}`);
        setBusy(undefined);
        return;
      }
    }
    setBusy(undefined);
    await load(target);
  };

  const download = async (file: string) => {
    setBusy(`Downloading ${file}…`);
    try {
      saveBlob(await api.downloadFile(name, joinPath(path, file)), file);
      setError(undefined);
    } catch (e) {
      setError(`${file}: ${errorLine(e)}`);
    } finally {
      setBusy(undefined);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    upload(Array.from(event.dataTransfer.files));
  };

  const crumbs = path === '' ? [] : path.split('/');
  return (
    <Paper
      onDragOver={e => e.preventDefault()}
      onDrop={onDrop}
      data-testid="files-drop-zone"
    >
      <Box p={2} display="flex" alignItems="center">
        <Box flexGrow={1}>
          <Breadcrumbs aria-label="folder">
            <Link component="button" onClick={() => load('')}>
              Home
            </Link>
            {crumbs.map((crumb, i) => (
              <Link
                key={i}
                component="button"
                onClick={() => load(crumbs.slice(0, i + 1).join('/'))}
              >
                {crumb}
              </Link>
            ))}
          </Breadcrumbs>
        </Box>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="files-upload-input"
          onChange={e => {
            upload(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <Button
          variant="contained"
          color="primary"
          startIcon={<CloudUploadIcon />}
          disabled={!!busy}
          onClick={() => input.current?.click()}
        >
          Upload to ~/{target}
        </Button>
      </Box>
      {busy && <Progress />}
      {(busy || error) && (
        <Box px={2} pb={1}>
          <Typography
            role={error ? 'alert' : 'status'}
            color={error ? 'error' : 'textSecondary'}
          >
            {error ?? busy}
          </Typography>
        </Box>
      )}
      {folder && (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell align="right">Size</TableCell>
              <TableCell>Modified</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {folder.entries.map(entry => (
              <TableRow key={entry.name}>
                <TableCell>
                  {entry.type === 'directory' && (
                    <Link
                      component="button"
                      aria-label={`Open folder ${entry.name}`}
                      onClick={() => load(joinPath(path, entry.name))}
                    >
                      <FolderIcon fontSize="inherit" /> {entry.name}
                    </Link>
                  )}
                  {entry.type === 'file' && (
                    <Link
                      component="button"
                      disabled={!!busy}
                      aria-label={`Download ${entry.name}`}
                      onClick={() => download(entry.name)}
                    >
                      <InsertDriveFileIcon fontSize="inherit" /> {entry.name}
                    </Link>
                  )}
                  {entry.type === 'other' && (
                    <Typography variant="body2" color="textSecondary">
                      {entry.name} (link or special file)
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right">
                  {entry.type === 'file' ? formatBytes(entry.size) : ''}
                </TableCell>
                <TableCell>
                  {new Date(entry.modifiedAt).toLocaleString()}
                </TableCell>
              </TableRow>
            ))}
            {folder.entries.length === 0 && (
              <TableRow>
                <TableCell colSpan={3}>
                  This folder is empty. Drop files here to upload them.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}
