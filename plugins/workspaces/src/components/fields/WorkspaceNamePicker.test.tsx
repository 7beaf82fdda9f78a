import { fireEvent, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { describeWorkspaceNameRule } from '@desktop-mania/plugin-workspaces-common';
import { WorkspaceNamePicker } from './WorkspaceNamePicker';
import { validateName } from './fieldValidation';

jest.setTimeout(20_000);

function render(formData: string | undefined, required = false) {
  const onChange = jest.fn();
  renderInTestApp(
    <WorkspaceNamePicker
      {...({
        formData,
        onChange,
        required,
        schema: { title: 'Name' },
        uiSchema: {},
        idSchema: { $id: 'name' },
        rawErrors: [],
      } as any)}
    />,
  );
  return onChange;
}

function refusals(name: string) {
  const errors: string[] = [];
  validateName(name, { addError: (e: string) => errors.push(e) } as any, {
    apiHolder: { get: () => undefined },
    formData: { name },
    schema: {},
  });
  return errors;
}

describe('WorkspaceNamePicker', () => {
  it('states the name rule in words, not as a pattern', async () => {
    render(undefined);
    expect(
      await screen.findByText(
        'Lowercase letters, digits and dashes, starting and ending with a letter or digit; at most 40 characters.',
      ),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toContain('[a-z0-9]');
  });

  it('says what is wrong with a name while it is typed', async () => {
    render('Alice-');
    expect(
      await screen.findByText(
        'The name must be lowercase letters, digits and dashes, starting and ending with a letter or digit.',
      ),
    ).toBeInTheDocument();
  });

  it('keeps every character of an overlong name and says it is too long, counting', async () => {
    const onChange = render('a'.repeat(40));
    const input = await screen.findByLabelText('Name');
    expect(input).not.toHaveAttribute('maxlength');
    fireEvent.change(input, { target: { value: 'a'.repeat(45) } });
    expect(onChange).toHaveBeenCalledWith('a'.repeat(45));
  });

  it('shows an overlong name as it is, with how long it is', async () => {
    render('a'.repeat(45));
    expect(await screen.findByLabelText('Name')).toHaveValue('a'.repeat(45));
    expect(
      screen.getByText('The name must be at most 40 characters; it has 45.'),
    ).toBeInTheDocument();
  });

  it('leaves an empty name to the form to refuse, not to the browser', async () => {
    const onChange = render(undefined, true);
    const input = await screen.findByLabelText(/^Name/);
    expect(input).not.toHaveAttribute('required');
    expect(input).toHaveAttribute('aria-required', 'true');
    // '' rather than nothing, so the template's minLength words the refusal.
    expect(onChange).toHaveBeenCalledWith('');
  });

  it('hands on what is typed, and is labelled Name', async () => {
    const onChange = render('');
    fireEvent.change(await screen.findByLabelText('Name'), {
      target: { value: 'dev-1' },
    });
    expect(onChange).toHaveBeenCalledWith('dev-1');
  });
});

describe('validateName', () => {
  it('keeps the step from going on with a name the backend would refuse, saying why in words', () => {
    expect(refusals('dev-1')).toEqual([]);
    expect(refusals('-dev')).toEqual([
      'The name must be lowercase letters, digits and dashes, starting and ending with a letter or digit.',
    ]);
    expect(refusals('a'.repeat(41))).toEqual([
      'The name must be at most 40 characters; it has 41.',
    ]);
    expect(refusals('')).toEqual(['Enter a name for the desktop.']);
    expect(describeWorkspaceNameRule()).toContain('at most 40 characters');
  });
});
