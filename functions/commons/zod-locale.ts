/**
 * English validation messages for `zod/mini`. Classic zod registers its English locale on first
 * use; zod/mini registers none, so every default message would read just "Invalid input". Every
 * module that validates with zod/mini imports this file for its side effect, so default messages
 * ("Invalid input: expected string, received undefined") stay the same in the Lambda bundles.
 * A locale set earlier (classic zod loaded first, or an explicit choice) is kept.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

if (!config().localeError) config(en());
