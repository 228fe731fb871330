/**
 * Answers whether a user is a nominated technical lead of a customer. The auth guard asks it for
 * every `customer-lead` request (403 `not-a-lead` when it says no). Provide an implementation in
 * any module of the app: `{ provide: LeadDirectory, useExisting: CustomerReader }`.
 */
export abstract class LeadDirectory {
  abstract isNominatedLead(customerId: string, userId: string): Promise<boolean>;
}
