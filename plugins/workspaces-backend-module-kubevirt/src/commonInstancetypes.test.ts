import {
  commonClusterInstancetypes,
  commonClusterPreferences,
} from '@internal/test-support';
import {
  COMMON_INSTANCETYPES,
  COMMON_PREFERENCE_REQUIREMENTS,
} from './commonInstancetypes';

describe('the common-instancetypes table', () => {
  it('holds exactly the requirements of the bundled preferences', () => {
    const fromBundle = Object.fromEntries(
      commonClusterPreferences()
        .filter(p => p.spec.requirements)
        .map(p => [
          p.metadata.name,
          {
            cpu: p.spec.requirements!.cpu!.guest,
            memory: p.spec.requirements!.memory!.guest,
          },
        ]),
    );
    expect(COMMON_PREFERENCE_REQUIREMENTS).toEqual(fromBundle);
    expect(fromBundle['windows.11.virtio']).toEqual({ cpu: 2, memory: '4Gi' });
  });

  it('holds exactly the guest CPU and memory of the bundled instancetypes', () => {
    const fromBundle = Object.fromEntries(
      commonClusterInstancetypes().map(t => [
        t.metadata.name,
        { cpu: t.spec.cpu!.guest, memory: t.spec.memory!.guest },
      ]),
    );
    expect(COMMON_INSTANCETYPES).toEqual(fromBundle);
    expect(fromBundle['u1.medium']).toEqual({ cpu: 1, memory: '4Gi' });
  });
});
