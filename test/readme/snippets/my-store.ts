// Stands for the reader's own store that README snippets import ('./my-store').
import { MemoryStore } from 'nest-sessions';

export class MyStore extends MemoryStore {}
