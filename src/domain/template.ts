import { AggregateRoot } from './aggregate-root.js';
import { InvalidValueError, TemplateVersionNotFoundError } from './errors.js';
import { NotificationType } from './notification-type.js';
import type { TemplateFieldKind } from './template-grammar.js';
import { type TemplateDefinition, checkDefinition } from './template-definition.js';

export interface TemplateSnapshot {
  readonly key: string;
  /** Shipped with the release (trusted files), not saved from outside. */
  readonly builtIn: boolean;
  readonly liveVersion: number;
  readonly latestVersion: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface TemplateVersion {
  readonly key: string;
  readonly version: number;
  readonly definition: TemplateDefinition;
  readonly createdAt: Date;
}

/** Versions a template keeps at most: every save is one, and each may be up to a few hundred KiB. */
export const MAX_TEMPLATE_VERSIONS = 1_000;

type FieldCheck = (field: string, kind: TemplateFieldKind, source: string) => void;

/**
 * A notification type's template and its versions: every save is a new version, a draft until
 * published; exactly one version is live, and rolling back is publishing an older one. Versions
 * never change once saved; the aggregate keeps only the numbers, the new versions wait in
 * `newVersions` for the repository.
 */
export class Template extends AggregateRoot {
  private readonly added: TemplateVersion[] = [];

  private constructor(private state: TemplateSnapshot) {
    super();
  }

  /** A template saved from outside: its texts must pass the safe grammar; version 1 is live. */
  static create(key: string, definition: TemplateDefinition, now: Date, checkField: FieldCheck): Template {
    NotificationType.of(key, 'key');
    checkDefinition(definition, checkField);
    return Template.first(key, definition, now, false);
  }

  /** A template shipped with the release: trusted, so its texts are not held to the grammar. */
  static builtIn(key: string, definition: TemplateDefinition, now: Date): Template {
    checkDefinition(definition, () => undefined);
    return Template.first(key, definition, now, true);
  }

  static restore(snapshot: TemplateSnapshot): Template {
    return new Template(snapshot);
  }

  private static first(key: string, definition: TemplateDefinition, now: Date, builtIn: boolean): Template {
    const template = new Template({ key, builtIn, liveVersion: 1, latestVersion: 1, createdAt: now, updatedAt: now });
    template.added.push({ key, version: 1, definition, createdAt: now });
    return template;
  }

  get key(): string {
    return this.state.key;
  }

  /** Saves a new draft version (any version saved from outside passes the grammar, of a built-in too). */
  saveDraft(definition: TemplateDefinition, now: Date, checkField: FieldCheck): number {
    if (this.state.latestVersion >= MAX_TEMPLATE_VERSIONS) {
      throw new InvalidValueError('version', `template ${this.state.key} has ${MAX_TEMPLATE_VERSIONS} versions, the most one keeps: create a new key`);
    }
    checkDefinition(definition, checkField);
    const version = this.state.latestVersion + 1;
    this.added.push({ key: this.state.key, version, definition, createdAt: now });
    this.state = { ...this.state, latestVersion: version, updatedAt: now };
    return version;
  }

  /** Makes a version live; publishing an older one rolls back. */
  publish(version: number, now: Date): void {
    if (!Number.isInteger(version) || version < 1 || version > this.state.latestVersion) throw new TemplateVersionNotFoundError(this.state.key, version);
    if (version === this.state.liveVersion) return;
    this.state = { ...this.state, liveVersion: version, updatedAt: now };
  }

  /** The versions saved since it was loaded, oldest first; from now on they count as stored. */
  newVersions(): TemplateVersion[] {
    return this.added.splice(0);
  }

  snapshot(): TemplateSnapshot {
    return this.state;
  }
}
