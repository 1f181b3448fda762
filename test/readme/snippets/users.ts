// Stands for the reader's own user lookup that README snippets import ('./users').
export async function findUserProfile(id: string): Promise<{ id: string; name: string }> {
  return { id, name: 'Ada Lovelace' };
}
