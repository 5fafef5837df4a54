// `onemap user …`: the first administrator and any later account, from the server's shell
// (issue 4). Passwords come from ONEMAP_PASSWORD, --password-stdin or a hidden prompt — never
// from a command-line argument, which would land in the shell history and `ps`.
import type { Config } from '../config.ts';
import { str, int, UsageError, type Args } from './args.ts';
import { withDb, print } from './db.ts';
import { addUser, listUsers, updateUser, createToken, listTokens, revokeToken, type UserPatch } from '../auth/users.service.ts';
import { STAFF_ROLES, ROLE_LABELS, type StaffRole } from '../auth/types.ts';

const USAGE = `onemap user add <username> --role ${STAFF_ROLES.join('|')} [--name 姓名] [--districts 330106,330110] [--password-stdin | --no-password]
onemap user list [--json]
onemap user passwd <username> [--password-stdin]
onemap user set <username> [--role R] [--districts …] [--name N] [--active true|false]
onemap user token <username> --name SYSTEM [--days N]      issue an API token (printed once)
onemap user tokens [username] [--json]
onemap user revoke <token-id>

Passwords: ONEMAP_PASSWORD, --password-stdin, or typed at the prompt (hidden).`;

const actor = () => `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'root'}`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    if (!stdin.isTTY) return reject(new UsageError('no password: set ONEMAP_PASSWORD, pass --password-stdin, or run in a terminal'));
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let buf = '';
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          return resolve(buf);
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          return reject(new UsageError('cancelled'));
        }
        if (ch === '\u007f') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function password(a: Args): Promise<string> {
  if (process.env.ONEMAP_PASSWORD) return process.env.ONEMAP_PASSWORD;
  if (a.flags['password-stdin']) return readStdin();
  const p1 = await prompt('密码 (password): ');
  const p2 = await prompt('再次输入 (again): ');
  if (p1 !== p2) throw new UsageError('the two passwords differ');
  return p1;
}

const districtsOf = (a: Args) =>
  str(a, 'districts')
    ?.split(/[,，\s]+/)
    .filter(Boolean);

export async function cmdUser(config: Config, a: Args): Promise<void> {
  const sub = a._[1];
  const name = a._[2];
  switch (sub) {
    case 'add': {
      const role = str(a, 'role') as StaffRole | undefined;
      if (!name || !role) throw new UsageError(`usage: ${USAGE.split('\n')[0]}`);
      if (!STAFF_ROLES.includes(role)) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      const pw = a.flags['no-password'] ? undefined : await password(a);
      await withDb(config, async (db) => {
        const u = await addUser(
          db,
          config.districts,
          { username: name, role, password: pw, displayName: str(a, 'name'), districts: districtsOf(a) },
          actor(),
        );
        if (a.flags.json) return print(u);
        console.log(
          `已添加用户 ${u.username}（${ROLE_LABELS[u.role]}${u.districts.length ? `，辖区 ${u.districts.join('、')}` : ''}）${pw ? '' : '；未设密码，只能用 API 令牌'}`,
        );
      });
      return;
    }
    case 'list': {
      await withDb(config, async (db) => {
        const users = await listUsers(db);
        if (a.flags.json) return print(users);
        if (!users.length) console.log('还没有用户：onemap user add <用户名> --role admin 添加第一个管理员');
        for (const u of users)
          console.log(
            `${u.username.padEnd(16)} ${ROLE_LABELS[u.role].padEnd(8)} ${u.active ? '启用' : '停用'}  ${u.districts.join(',')}  ${u.name}`,
          );
      });
      return;
    }
    case 'passwd': {
      if (!name) throw new UsageError('usage: onemap user passwd <username>');
      const pw = await password(a);
      await withDb(config, async (db) => {
        await updateUser(db, config.districts, name, { password: pw }, actor());
        console.log(`已修改 ${name} 的密码；该用户已登录的会话全部失效`);
      });
      return;
    }
    case 'set': {
      if (!name) throw new UsageError('usage: onemap user set <username> [--role R] [--districts …] [--name N] [--active true|false]');
      const patch: UserPatch = {};
      const role = str(a, 'role');
      if (role) {
        if (!STAFF_ROLES.includes(role as StaffRole)) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
        patch.role = role as StaffRole;
      }
      const d = districtsOf(a);
      if (d) patch.districts = d;
      if (str(a, 'name') !== undefined) patch.displayName = str(a, 'name');
      const active = str(a, 'active');
      if (active !== undefined) {
        if (!['true', 'false'].includes(active)) throw new UsageError('--active must be true or false');
        patch.active = active === 'true';
      }
      if (!Object.keys(patch).length) throw new UsageError('nothing to change: give --role, --districts, --name or --active');
      await withDb(config, async (db) => {
        const u = await updateUser(db, config.districts, name, patch, actor());
        if (a.flags.json) return print(u);
        console.log(`已修改 ${u.username}: ${ROLE_LABELS[u.role]} ${u.active ? '启用' : '停用'} ${u.districts.join(',')}`);
      });
      return;
    }
    case 'token': {
      const tokenName = str(a, 'name');
      if (!name || !tokenName) throw new UsageError('usage: onemap user token <username> --name SYSTEM [--days N]');
      await withDb(config, async (db) => {
        const t = await createToken(db, name, tokenName, actor(), int(a, 'days'));
        if (a.flags.json) return print(t);
        console.log(`API 令牌（只显示这一次，请妥善保存）:\n${t.token}\n用法: Authorization: Bearer ${t.token.slice(0, 10)}…`);
      });
      return;
    }
    case 'tokens': {
      await withDb(config, async (db) => {
        const list = await listTokens(db, name);
        if (a.flags.json) return print(list);
        for (const t of list)
          console.log(
            `${String(t.id).padStart(4)} ${t.username.padEnd(16)} ${t.name.padEnd(20)} ${t.prefix}…  ${t.revoked_at ? `已吊销 ${t.revoked_at}` : t.expires_at ? `有效至 ${t.expires_at}` : '长期有效'}`,
          );
      });
      return;
    }
    case 'revoke': {
      const id = Number(name);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('usage: onemap user revoke <token-id> (see onemap user tokens)');
      await withDb(config, async (db) => {
        const t = await revokeToken(db, id, actor());
        console.log(`已吊销令牌 ${t.id}（${t.username} / ${t.name}）`);
      });
      return;
    }
    default:
      console.log(USAGE);
      if (sub && sub !== 'help') throw new UsageError(`unknown subcommand "user ${sub}"`);
  }
}
