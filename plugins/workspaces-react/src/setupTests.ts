import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The test command runs every suite at once on two cores; a first render can
// take longer than Testing Library's default second to appear.
configure({ asyncUtilTimeout: 10_000 });
