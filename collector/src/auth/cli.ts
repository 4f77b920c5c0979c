import type { Command } from 'commander';
import type { Db } from '../db/types.js';
import { audit } from './audit.js';
import { readPassword } from './prompt.js';
import { addUser, listUsers, removeUser, setPassword, ROLES, UserError } from './users.js';

export interface CliContext {
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** A user error: one line, exit 2. */
  fail(message: string): Error;
}

const actor = () => `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'unknown'}`;

/** `amr-collector user add|list|remove|passwd`: the console's accounts. */
export function registerUserCommands(p: Command, c: CliContext): void {
  const ctx: CliContext = {
    fail: c.fail,
    withDb: (fn) => c.withDb(fn).catch((err: unknown) => { throw err instanceof UserError ? c.fail(err.message) : err; }),
  };
  const user = p.command('user').description('Console accounts: admin, technician or customer users who log in to the web pages and API.');
  const password = async (label: string) => {
    try {
      return await readPassword(label);
    } catch (err) {
      throw ctx.fail(`${(err as Error).message}; nothing changed`);
    }
  };

  user.command('add <name>')
    .description(`Add a user; the password is asked for (or read from the first line of standard input). Roles: ${ROLES.join(', ')}.`)
    .requiredOption('--role <role>', `${ROLES.join(' | ')}`)
    .option('--customer <code>', 'for role customer: the one customer this user sees')
    .action(async (name: string, o: { role: string; customer?: string }) => {
      const pw = await password(`Password for ${name}`);
      const u = await ctx.withDb(async (db) => {
        const made = await addUser(db, { username: name, role: o.role, customer: o.customer, password: pw });
        await audit(db, { actor: actor(), action: 'user.add', target: name, detail: `role ${made.role}${made.customer ? ` customer ${made.customer}` : ''}`, address: null });
        return made;
      });
      process.stderr.write(`Added ${u.role} "${u.username}"${u.customer ? ` for customer ${u.customer}` : ''}.\n`);
    });

  user.command('list')
    .description('The users, their roles and customers.')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const users = await ctx.withDb((db) => listUsers(db));
      if (o.json) return void process.stdout.write(JSON.stringify(users, null, 2) + '\n');
      if (!users.length) return void process.stdout.write('(none) add one with: amr-collector user add NAME --role admin\n');
      const { table } = await import('../reports/format.js');
      process.stdout.write(table(users, [
        { header: 'user', get: (u) => u.username }, { header: 'role', get: (u) => u.role }, { header: 'customer', get: (u) => u.customer },
        { header: 'created', get: (u) => u.createdAt }, { header: 'password_changed', get: (u) => u.passwordChangedAt },
      ]));
    });

  user.command('remove <name>')
    .description('Remove a user with its sessions and API tokens.')
    .action(async (name: string) => {
      await ctx.withDb(async (db) => {
        await removeUser(db, name);
        await audit(db, { actor: actor(), action: 'user.remove', target: name, detail: null, address: null });
      });
      process.stderr.write(`Removed "${name}".\n`);
    });

  user.command('passwd <name>')
    .description('Set a new password (asked for, or the first line of standard input); the user\'s sessions end.')
    .action(async (name: string) => {
      const pw = await password(`New password for ${name}`);
      await ctx.withDb(async (db) => {
        await setPassword(db, name, pw);
        await audit(db, { actor: actor(), action: 'user.passwd', target: name, detail: null, address: null });
      });
      process.stderr.write(`Password of "${name}" changed; its sessions were ended.\n`);
    });
}
