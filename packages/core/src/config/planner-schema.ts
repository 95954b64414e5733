import { z } from 'zod';

/**
 * The planner's own settings, composed into the `calendar` section of the config. Each is optional
 * and the planner applies the default, so a config written before these existed plans as before.
 */
export const plannerSettingsShape = {
  /**
   * Keep a client's focus blocks together, so the VA switches context less. Never at the cost of a
   * deadline: a plan that would keep fewer deadlines with batching is planned without it.
   * - `off`: earliest deadline first, whoever the client;
   * - `adjacent`: after a client's block, another task of the same client goes next when it is due
   *   within about a day's work of the next task in line;
   * - `client-days`: the same with no such limit, so a client's work fills whole days.
   * @defaultValue 'off'
   */
  batching: z.enum(['off', 'adjacent', 'client-days']).optional(),
  /**
   * Minutes kept free between focus blocks of different clients, to switch context; dropped where
   * it would cost a deadline.
   * @defaultValue 0
   */
  clientBreakMinutes: z.number().int().min(0).max(120).optional(),
  /**
   * Important work without a deadline is planned as if due at the end of the VA's day this many days
   * ahead, so work with deadlines cannot push it out forever. It never costs a real deadline that
   * can be kept. 0 turns the protection off (such work then waits for all work with a deadline).
   * @defaultValue 7
   */
  importantWithinDays: z.number().int().min(0).max(90).optional(),
};

export const plannerSettingsSchema = z.strictObject(plannerSettingsShape);

export type PlannerSettings = z.output<typeof plannerSettingsSchema>;
export type Batching = NonNullable<PlannerSettings['batching']>;
