import { makeStyles, Typography } from '@material-ui/core';
import { LogoIcon } from './LogoIcon';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: 8 },
  name: {
    color: '#7df3e1',
    fontWeight: 700,
    // Fits the open sidebar beside the icon without being cut.
    fontSize: 18,
    whiteSpace: 'nowrap',
  },
});

/** The portal's own name, so people know whose desktops these are. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <div className={classes.root}>
      <LogoIcon />
      <Typography component="span" className={classes.name}>
        Desktop Mania
      </Typography>
    </div>
  );
};
