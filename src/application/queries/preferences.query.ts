import { PreferencesNotFoundError } from '../../domain/errors.js';
import { UserId } from '../../domain/user-id.js';
import type { PreferencesReadModel, PreferencesView } from '../ports/read-models.js';

export class PreferencesQuery {
  constructor(private readonly readModel: PreferencesReadModel) {}

  async ofUser(rawUserId: string): Promise<PreferencesView> {
    const userId = UserId.of(rawUserId);
    const view = await this.readModel.find(userId.value);
    if (!view) throw new PreferencesNotFoundError(userId.value);
    return view;
  }
}
