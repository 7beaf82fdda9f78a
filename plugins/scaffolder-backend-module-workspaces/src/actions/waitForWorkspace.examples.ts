import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Wait up to 15 minutes for an ordered desktop to run',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'workspace:wait',
          name: 'Wait for the desktop',
          input: { name: 'alice-dev', timeoutMinutes: 15 },
        },
      ],
    }),
  },
  {
    description: 'Wait the default 10 minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'workspace:wait',
          name: 'Wait for the desktop',
          input: { name: 'alice-dev' },
        },
      ],
    }),
  },
];
