import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Order a small Linux desktop for the person running the template',
    example: yaml.stringify({
      steps: [
        {
          id: 'order',
          action: 'workspace:create',
          name: 'Order the desktop',
          input: { name: 'alice-dev', image: 'debian-desktop', size: 'small' },
        },
      ],
    }),
  },
  {
    description:
      'Order a Windows desktop for a team, with a bigger disk and a one-week lifetime',
    example: yaml.stringify({
      steps: [
        {
          id: 'order',
          action: 'workspace:create',
          name: 'Order the desktop',
          input: {
            name: 'team-a-win',
            image: 'windows-11',
            size: 'large',
            diskGi: 100,
            lifetimeHours: 168,
            owner: 'group:default/team-a',
            cluster: 'rke2-prod',
          },
        },
      ],
    }),
  },
];
